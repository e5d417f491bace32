/** Sends the Event changes that matter to a Zoom meeting to the integration; see ZoomEventTriggerHandler. */
trigger ZoomEventTrigger on Event(after insert, after update, after delete) {
    ZoomEventTriggerHandler.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
