// Opens a service call for every inbound call from a known number and pops it; the write itself is
// the non-client-callable createServiceCall.
var user = new GlideRecord('sys_user');
user.addQuery('phone', sysparm_caller_phone).addOrCondition('mobile_phone', sysparm_caller_phone);
user.query();
if (user.next()) {
  var id = createServiceCall({ caller: user.sys_id + '', phone: sysparm_caller_phone });
  answer = 'u_service_call.do?sys_id=' + id;
} else {
  answer = 'u_service_call.do?sys_id=-1&sysparm_query=u_phone=' + sysparm_caller_phone;
}
