// Service desk CTI: the classic shape, a function named like the rule that builds the URL and
// returns it. An open service call of the caller pops; otherwise a new one for the caller.
function serviceCallCti() {
  var url = null;
  var caller = findCaller(sysparm_caller_name, sysparm_caller_phone);
  if (caller == null) {
    gs.log('CTI: unknown caller ' + sysparm_caller_phone, 'CTI');
    url = 'u_service_call.do?sys_id=-1&sysparm_query=u_phone=' + sysparm_caller_phone;
    return url;
  }

  var call = new GlideRecord('u_service_call');
  call.addEncodedQuery('u_active=true^u_caller=' + caller.sys_id);
  call.orderByDesc('sys_created_on');
  call.query();
  if (call.getRowCount() > 0 && call.next()) {
    url = 'u_service_call.do?sys_id=' + call.sys_id;
  } else {
    url = 'u_service_call.do?sys_id=-1&sysparm_query=u_caller=' + caller.sys_id + '^u_phone=' + sysparm_caller_phone;
  }
  return url;
}

function findCaller(name, phone) {
  var gr = new GlideRecord('sys_user');
  if (name != null) {
    gr.addQuery('name', name);
  } else if (phone != null) {
    var qc = gr.addQuery('phone', phone);
    qc.addOrCondition('mobile_phone', phone);
  } else {
    return null;
  }
  gr.addQuery('active', true);
  gr.query();
  if (gr.next()) return gr;
  return null;
}
