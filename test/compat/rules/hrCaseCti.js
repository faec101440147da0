// CTI Processing for the HR service desk.
// Callers with an open HR case get their profile in the itil view; everyone else gets a new HR case
// opened for them. Caller lookup: employee number from the IVR, else the phone (business or mobile),
// else one of their notification devices.

eid = sysparm_caller_id;
phone = sysparm_caller_phone;
userID = '';

if (eid != null && eid != '') {
  userID = getUserByEmployeeNumber(eid);
}
if (userID == '' && phone != null) {
  userID = getUserByPhone(phone);
}

if (userID == '') {
  if (sysparm_query == null) {
    answer = 'hr_case.do?sys_id=-1';
  } else {
    answer = 'hr_case.do?sys_id=-1&sysparm_query=' + sysparm_query;
  }
} else if (hasOpenCase(userID)) {
  answer = 'sys_user.do?sys_id=' + userID + '&sysparm_view=itil';
} else {
  answer = 'hr_case.do?sys_id=-1&sysparm_query=opened_for=' + userID + '^opened_by=' + userID;
}

function getUserByEmployeeNumber(id) {
  var user = new GlideRecordSecure('sys_user');
  user.addQuery('employee_number', id);
  user.query();
  if (user.next()) {
    return user.sys_id;
  }
  return '';
}

function getUserByPhone(number) {
  var user = new GlideRecord('sys_user');
  user.addQuery('phone', number).addOrCondition('mobile_phone', number);
  user.query();
  if (user.next()) {
    return user.sys_id;
  }
  // not a number of the user: try their devices
  var device = new GlideRecord('cmn_notif_device');
  device.addQuery('phone_number', number);
  device.addQuery('active', true);
  device.query();
  if (device.next()) {
    return device.user;
  }
  return '';
}

function hasOpenCase(id) {
  var hr = new GlideRecord('hr_case');
  hr.setWorkflow(false);
  hr.addQuery('opened_for', id);
  hr.addQuery('active', true);
  hr.query();
  return hr.hasNext();
}
