// The IVR authenticates callers and says so in sysparm_u_caller_authenticated. A parameter the
// telephony client did not send is not defined at all, hence the typeof test.
var authenticated = false;
if (typeof sysparm_u_caller_authenticated != 'undefined' && sysparm_u_caller_authenticated == 'true') {
  authenticated = true;
}

var user = new GlideRecord('sys_user');
if (sysparm_caller_id != null && user.get('employee_number', sysparm_caller_id)) {
  var inc = new GlideRecord('incident');
  inc.addQuery('caller_id', user.sys_id);
  inc.addActiveQuery();
  inc.orderByDesc('opened_at');
  inc.query();
  if (authenticated && inc.next()) {
    gs.log('CTI: ' + inc.caller_id.name + ' calls about ' + inc.number);
    answer = 'incident.do?sys_id=' + inc.sys_id + '&sysparm_view=cti';
  } else {
    answer = 'incident.do?sys_id=-1&sysparm_query=caller_id=' + user.sys_id + '^u_caller_authenticated=' + authenticated;
  }
} else {
  answer = 'incident.do?sys_id=-1&sysparm_query=u_caller_authenticated=' + authenticated;
}
