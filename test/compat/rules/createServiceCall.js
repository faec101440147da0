// Not client-callable: the part of the old rule that wrote. Moved as it was into a function of its
// own, which ctihost runs in the privileged service, so the writes are validated and audited.
function createServiceCall(call) {
  var gr = new GlideRecord('u_service_call');
  gr.initialize();
  gr.setWorkflow(false);
  gr.u_caller = call.caller;
  gr.u_phone = call.phone;
  gr.u_active = true;
  gr.u_notes = 'Opened from an inbound call';
  return gr.insert() + '';
}
