// Field staff call from devices registered to them: look the number up among the devices first,
// dot-walk to the owner, and skip owners who have left.
var device = new GlideRecordSecure('cmn_notif_device');
device.addQuery('phone_number', sysparm_caller_phone);
device.addActiveQuery();
device.query();
var owner = null;
while (device.next()) {
  if (device.user.active == true) {
    owner = device.user.getRefRecord();
    gs.info('CTI: device ' + device.name + ' belongs to ' + device.user.name);
    break;
  }
}
if (owner != null && owner.isValidRecord()) {
  answer = 'sys_user.do?sys_id=' + owner.getUniqueValue() + '&sysparm_view=' + (sysparm_view || 'cti');
} else {
  answer = 'incident.do?sys_id=-1&sysparm_query=contact_type=phone';
}
