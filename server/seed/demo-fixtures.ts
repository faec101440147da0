/**
 * The hand-picked part of the demo data: callers that show each branch of the default rule.
 * Tests and the README rely on these; the generated bulk around them only adds volume.
 */
export const DEMO_USERS = [
  {
    sys_id: '6816f79c-c0a8-0164-01c5-a33be04be441',
    user_name: 'abel.tuter',
    first_name: 'Abel',
    last_name: 'Tuter',
    employee_number: 'E00001',
    email: 'abel.tuter@example.com',
    phone: '(415) 555-0142',
    department: 'Sales',
    title: 'Account Executive',
    vip: true,
  },
  {
    sys_id: '46d44a5d-a9fe-1981-0018-7d1a8eba1f6b',
    user_name: 'beth.anglin',
    first_name: 'Beth',
    last_name: 'Anglin',
    employee_number: 'E00002',
    email: 'beth.anglin@example.com',
    phone: '+1 415 555 0143',
    mobile_phone: '(650) 555-0144',
    department: 'IT',
    title: 'Engineer',
  },
  {
    sys_id: '5137153c-c611-227c-000b-bc7b6b81c4a7',
    user_name: 'john.smith',
    first_name: 'John',
    last_name: 'Smith',
    employee_number: 'E00003',
    email: 'john.smith@example.com',
    phone: '212.555.0101',
    department: 'Finance',
  },
  {
    sys_id: '5137153c-c611-227c-000b-bc7b6b81c4a8',
    user_name: 'john.smith2',
    first_name: 'John',
    last_name: 'Smith',
    employee_number: 'E00004',
    email: 'john.smith2@example.com',
    phone: '+1 (646) 555-0102',
    department: 'Legal',
  },
  {
    sys_id: '9ee1b13d-c611-2710-00ad-18be8c2d0cc1',
    user_name: 'carol.ray',
    first_name: 'Carol',
    last_name: 'Ray',
    employee_number: 'E00005',
    email: 'carol.ray@example.com',
    phone: '+1 312 555 0100',
    department: 'HR',
  },
  {
    sys_id: '9ee1b13d-c611-2710-00ad-18be8c2d0cc2',
    user_name: 'dan.ray',
    first_name: 'Dan',
    last_name: 'Ray',
    employee_number: 'E00006',
    email: 'dan.ray@example.com',
    phone: '3125550100',
    department: 'HR',
  },
  {
    sys_id: 'a8f98bb0-eb32-0100-2fd4-d13cabd80c20',
    user_name: 'olga.gone',
    first_name: 'Olga',
    last_name: 'Gone',
    employee_number: 'E00007',
    email: 'olga.gone@example.com',
    phone: '415-555-0199',
    active: false,
  },
  {
    sys_id: 'a8f98bb0-eb32-0100-2fd4-d13cabd80c21',
    user_name: 'harriet.cole',
    first_name: 'Harriet',
    last_name: 'Cole',
    employee_number: 'E00008',
    email: 'harriet.cole@example.co.uk',
    phone: '+44 20 7946 0958',
    department: 'Support',
    location: 'London',
  },
  {
    sys_id: 'a8f98bb0-eb32-0100-2fd4-d13cabd80c22',
    user_name: 'mobile.only',
    first_name: 'Mona',
    last_name: 'Bile',
    employee_number: 'E00009',
    email: 'mona.bile@example.com',
    phone: null,
    department: 'Field',
  },
];

/** A device number is the only way to find Mona Bile by phone. */
export const DEMO_DEVICES = [
  {
    user: 'a8f98bb0-eb32-0100-2fd4-d13cabd80c22',
    name: 'Work mobile',
    type: 'Voice',
    phone_number: '(510) 555-0177',
    active: true,
  },
  {
    user: 'a8f98bb0-eb32-0100-2fd4-d13cabd80c22',
    name: 'Old pager',
    type: 'SMS',
    phone_number: '(510) 555-0178',
    active: false,
  },
];

export const DEMO_INCIDENTS = [
  {
    number: 'INC0000001',
    caller_id: '6816f79c-c0a8-0164-01c5-a33be04be441',
    short_description: 'Cannot connect to VPN',
    state: 2,
    priority: 2,
    category: 'network',
    active: true,
  },
  {
    number: 'INC0000002',
    caller_id: '6816f79c-c0a8-0164-01c5-a33be04be441',
    short_description: 'Email quota exceeded',
    state: 1,
    priority: 3,
    category: 'software',
    active: true,
  },
  {
    number: 'INC0000003',
    caller_id: '6816f79c-c0a8-0164-01c5-a33be04be441',
    short_description: 'Laptop battery swollen',
    state: 7,
    priority: 2,
    category: 'hardware',
    active: false,
  },
  {
    number: 'INC0000004',
    caller_id: '46d44a5d-a9fe-1981-0018-7d1a8eba1f6b',
    short_description: 'Password reset',
    state: 7,
    priority: 4,
    category: 'inquiry',
    active: false,
  },
];

export const DEMO_VIEWS = [
  {
    name: 'default',
    title: 'Default view',
    view_table: 'sys_user',
    fields: 'name,user_name,employee_number,email,phone,mobile_phone,department,title,location,vip',
  },
  {
    name: 'cti',
    title: 'Caller',
    view_table: 'sys_user',
    fields: 'name,employee_number,email,phone,mobile_phone,department,title,vip',
    related_list: 'incident.caller_id^active=true',
  },
  {
    name: 'default',
    title: 'Default view',
    view_table: 'task',
    fields:
      'number,short_description,description,state,priority,caller_id,assigned_to,category,opened_at,work_notes',
  },
  {
    name: 'default',
    title: 'Default view',
    view_table: 'incident',
    fields:
      'number,caller_id,short_description,description,category,contact_type,state,priority,impact,urgency,assigned_to,assignment_group,work_notes,comments',
  },
  {
    name: 'cti',
    title: 'Inbound call',
    view_table: 'incident',
    fields:
      'number,caller_id,contact_type,short_description,description,category,priority,impact,urgency,work_notes',
  },
];
