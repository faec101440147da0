/**
 * @rule ctiRecordTaskCall
 * @description Records an inbound call on a task as a work note; CTIProcessing calls it when it pops a task.
 * @clientCallable false
 * @active true
 */
// A non-client-callable function: it runs in the privileged service, where GlideRecord may write.
// Its writes are validated against the task's fields and audited; if it throws, nothing is kept.
function ctiRecordTaskCall(call) {
  var task = new GlideRecord('task');
  if (!call || !task.get(call.task)) return false;
  task.work_notes = 'Inbound call from ' + (call.caller || 'an unknown caller');
  task.update();
  return true;
}
