// Pop the task the caller quotes (sysparm_task_id), whatever kind of task it is: an incident,
// an HR case... The class of the record names the form to open.
var url = null;
var taskID = sysparm_task_id;
if (taskID != null) {
  var task = new GlideRecord('task');
  task.addQuery('number', taskID);
  task.query();
  if (task.next()) {
    url = task.sys_class_name + '.do?sys_id=' + task.sys_id;
    if (sysparm_view != null) url += '&sysparm_view=' + sysparm_view;
  }
}
if (url == null) {
  url = 'incident.do?sys_id=-1';
}
answer = url;
