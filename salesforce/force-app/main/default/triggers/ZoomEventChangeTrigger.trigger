/** Subscriber of the Event changes published by ZoomEventTriggerHandler; see ZoomEventChangeSubscriber. */
trigger ZoomEventChangeTrigger on Zoom_Event_Change__e(after insert) {
    ZoomEventChangeSubscriber.handle(Trigger.new);
}
