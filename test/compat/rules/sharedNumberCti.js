// A number shared by several people (a front desk, a family): collect every active match and let
// the agent choose from a list. Note '' + gr.sys_id: pushing gr.sys_id itself would push the same
// element every time, which is why integrators learnt to write it this way.
function sharedNumberCti() {
  ids = [];
  var gr = new GlideRecord('sys_user');
  gr.addQuery('phone', sysparm_caller_phone).addOrCondition('mobile_phone', sysparm_caller_phone);
  gr.addActiveQuery();
  gr.orderBy('user_name');
  gr.query();
  while (gr.next()) {
    ids.push('' + gr.sys_id);
  }
  if (ids.length == 1) {
    return 'sys_user.do?sys_id=' + ids[0];
  }
  if (ids.length > 1) {
    return 'sys_user_list.do?sysparm_query=sys_idIN' + ids.join(',');
  }
  return 'incident.do?sys_id=-1';
}
