//! Events WeChat pushes (`MsgType` `event`), one struct per shape.

use serde::{Deserialize, Serialize};

use super::Header;

/// `subscribe`: a user followed the account, possibly by scanning a parametric QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeEvent {
    /// Common fields.
    pub header: Header,
    /// `EventKey`: `qrscene_` + the scene when the user followed by scanning a QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_key: Option<String>,
    /// `Ticket` of the scanned QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

impl SubscribeEvent {
    /// The QR-code scene (`EventKey` without its `qrscene_` prefix), when the user followed by
    /// scanning a parametric QR code.
    ///
    /// ```
    /// # use weixin_mp::message::{Header, SubscribeEvent};
    /// let event = SubscribeEvent {
    ///     header: Header { to_user_name: "gh_1".into(), from_user_name: "o1".into(), create_time: 1 },
    ///     event_key: Some("qrscene_123123".into()),
    ///     ticket: Some("TICKET".into()),
    /// };
    /// assert_eq!(event.qr_scene(), Some("123123"));
    /// ```
    pub fn qr_scene(&self) -> Option<&str> {
        self.event_key
            .as_deref()
            .and_then(|key| key.strip_prefix("qrscene_"))
    }
}

/// `unsubscribe`: a user unfollowed the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeEvent {
    /// Common fields.
    pub header: Header,
}

/// `SCAN`: a follower scanned a parametric QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanEvent {
    /// Common fields.
    pub header: Header,
    /// `EventKey`: the QR code's scene (no prefix here).
    #[serde(default)]
    pub event_key: String,
    /// `Ticket` of the QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

/// `LOCATION`: the periodic location report of a user who allowed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationEvent {
    /// Common fields.
    pub header: Header,
    /// `Latitude`.
    #[serde(default)]
    pub latitude: f64,
    /// `Longitude`.
    #[serde(default)]
    pub longitude: f64,
    /// `Precision`.
    #[serde(default)]
    pub precision: f64,
}

/// `CLICK`: a `click` menu button was tapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClickEvent {
    /// Common fields.
    pub header: Header,
    /// `EventKey`: the button's `key`.
    #[serde(default)]
    pub event_key: String,
}

/// `VIEW` (a `view` menu button: `event_key` is the URL) and `view_miniprogram` (a
/// `miniprogram` button: `event_key` is the page path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewEvent {
    /// Common fields.
    pub header: Header,
    /// `EventKey`: the URL or mini-program page path.
    #[serde(default)]
    pub event_key: String,
    /// `MenuId`: the personalised menu the button belongs to, when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub menu_id: Option<String>,
}

/// `TEMPLATESENDJOBFINISH`: the delivery result of a template message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSendJobFinishEvent {
    /// Common fields.
    pub header: Header,
    /// `MsgID`: the `msgid` the send API returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_id: Option<u64>,
    /// `Status`: `success`, `failed:user block`, `failed: system failed`.
    #[serde(default)]
    pub status: String,
}

/// `MASSSENDJOBFINISH`: the result of a mass send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MassSendJobFinishEvent {
    /// Common fields.
    pub header: Header,
    /// `MsgID` of the mass send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_id: Option<u64>,
    /// `Status`, e.g. `send success`.
    #[serde(default)]
    pub status: String,
    /// `TotalCount`: followers targeted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// `FilterCount`: followers left after filtering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_count: Option<u64>,
    /// `SentCount`: sent successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_count: Option<u64>,
    /// `ErrorCount`: failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_count: Option<u64>,
}

/// `ScanCodeInfo` of the scan-code menu events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanCodeInfo {
    /// `ScanType`, e.g. `qrcode`.
    #[serde(default)]
    pub scan_type: String,
    /// `ScanResult`: the decoded content.
    #[serde(default)]
    pub scan_result: String,
}

/// `scancode_push` and `scancode_waitmsg`: a scan-code menu button was used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanCodeEvent {
    /// Common fields.
    pub header: Header,
    /// `EventKey`: the button's `key`.
    #[serde(default)]
    pub event_key: String,
    /// `ScanCodeInfo`.
    #[serde(default)]
    pub scan_code_info: ScanCodeInfo,
}

/// `SendPicsInfo` of the picture menu events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendPicsInfo {
    /// `Count`: number of pictures sent.
    #[serde(default)]
    pub count: u32,
    /// `PicList/item/PicMd5Sum`: the MD5 of each picture.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pic_md5_sums: Vec<String>,
}

/// `pic_sysphoto`, `pic_photo_or_album` and `pic_weixin`: a picture menu button was used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PicEvent {
    /// Common fields.
    pub header: Header,
    /// `EventKey`: the button's `key`.
    #[serde(default)]
    pub event_key: String,
    /// `SendPicsInfo`.
    #[serde(default)]
    pub send_pics_info: SendPicsInfo,
}

/// `SendLocationInfo` of the `location_select` event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SendLocationInfo {
    /// `Location_X`: latitude.
    #[serde(default)]
    pub location_x: f64,
    /// `Location_Y`: longitude.
    #[serde(default)]
    pub location_y: f64,
    /// `Scale`: map zoom level.
    #[serde(default)]
    pub scale: u32,
    /// `Label`: the place's description.
    #[serde(default)]
    pub label: String,
    /// `Poiname`: the point of interest, when one was picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poiname: Option<String>,
}

/// `location_select`: the location-picker menu button was used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationSelectEvent {
    /// Common fields.
    pub header: Header,
    /// `EventKey`: the button's `key`.
    #[serde(default)]
    pub event_key: String,
    /// `SendLocationInfo`.
    #[serde(default)]
    pub send_location_info: SendLocationInfo,
}

/// One template of a `subscribe_msg_popup_event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeMsgPopupItem {
    /// `TemplateId`.
    #[serde(default)]
    pub template_id: String,
    /// `SubscribeStatusString`: `accept` or `reject`.
    #[serde(default)]
    pub subscribe_status_string: String,
    /// `PopupScene`: 1 = H5 page, 2 = article (Official Accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub popup_scene: Option<u32>,
}

impl SubscribeMsgPopupItem {
    /// Whether the user accepted this template (`SubscribeStatusString` `accept`).
    pub fn accepted(&self) -> bool {
        self.subscribe_status_string == "accept"
    }
}

/// `subscribe_msg_popup_event`: the user answered a subscribe-message popup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeMsgPopupEvent {
    /// Common fields.
    pub header: Header,
    /// `List`: one entry per template (one object or an array in JSON).
    #[serde(default)]
    pub list: Vec<SubscribeMsgPopupItem>,
}

/// One template of a `subscribe_msg_change_event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeMsgChangeItem {
    /// `TemplateId`.
    #[serde(default)]
    pub template_id: String,
    /// `SubscribeStatusString` (currently always `reject`).
    #[serde(default)]
    pub subscribe_status_string: String,
}

/// `subscribe_msg_change_event`: the user changed a subscription in the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeMsgChangeEvent {
    /// Common fields.
    pub header: Header,
    /// `List`: one entry per template.
    #[serde(default)]
    pub list: Vec<SubscribeMsgChangeItem>,
}

/// One message of a `subscribe_msg_sent_event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeMsgSentItem {
    /// `TemplateId`.
    #[serde(default)]
    pub template_id: String,
    /// `MsgID` of the sent message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_id: Option<u64>,
    /// `ErrorCode`: 0 on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
    /// `ErrorStatus`: `success` or the failure.
    #[serde(default)]
    pub error_status: String,
}

/// `subscribe_msg_sent_event`: the delivery result of subscribe messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeMsgSentEvent {
    /// Common fields.
    pub header: Header,
    /// `List`: one entry per message.
    #[serde(default)]
    pub list: Vec<SubscribeMsgSentItem>,
}

/// `user_enter_tempsession`: the user opened a customer-service session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserEnterTempSessionEvent {
    /// Common fields.
    pub header: Header,
    /// `SessionFrom`: the `session-from` the session was opened with.
    #[serde(default)]
    pub session_from: String,
}
