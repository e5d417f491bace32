<!--
    Lightning Out app for Salesforce Classic: the Visualforce pages (pages/Zoom*.page) host the package's own
    components through it, so Classic users get the same pages as Lightning users.
-->
<aura:application access="GLOBAL" extends="ltng:outApp">
    <aura:dependency resource="c:zoomMeeting" />
    <aura:dependency resource="c:zoomInstantMeeting" />
    <aura:dependency resource="c:zoomEmailComposer" />
    <aura:dependency resource="c:externalZoomMeetings" />
    <aura:dependency resource="c:zoomSettings" />
</aura:application>
