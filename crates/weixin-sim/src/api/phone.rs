//! `wxa/business/getuserphonenumber`.

use std::sync::Arc;

use axum::extract::{Query, State};
use bytes::Bytes;
use serde_json::json;

use super::{Params, authorize, json_body, str_field};
use crate::state::Shared;
use crate::wx_error::{ApiResult, ok_json};

pub(super) async fn get_phone_number(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let appid = authorize(&shared, &q, "/wxa/business/getuserphonenumber")?;
    let body =
        json_body(&body).map_err(|_| crate::wx_error::WxError::new(40029, "invalid code"))?;
    let now = shared.now();
    let phone = shared
        .state()
        .redeem_phone_code(&appid, str_field(&body, "code"), now)?;
    let (country, pure) = match phone.strip_prefix('+').and_then(|p| p.split_once(' ')) {
        Some((cc, rest)) => (cc.parse::<u32>().unwrap_or(86), rest.to_owned()),
        None => (86, phone.clone()),
    };
    Ok(ok_json(json!({
        "phone_info": {
            "phoneNumber": phone,
            "purePhoneNumber": pure,
            "countryCode": country,
            "watermark": {"timestamp": now / 1000, "appid": appid},
        }
    })))
}
