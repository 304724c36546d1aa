//! Every Official Account endpoint checked against wiremock from one table: method, path,
//! query, body, the decoded answer, its error code, and whether busy is retried.

mod basic;
mod custom;
mod kf;
mod media;
mod menu;
mod oauth;
mod qrcode;
mod tags;
mod template;
mod user;

use weixin_testkit::endpoints::check;

#[tokio::test]
async fn every_endpoint_sends_what_the_doc_says() {
    let cases = [
        basic::cases(),
        custom::cases(),
        kf::cases(),
        media::cases(),
        menu::cases(),
        oauth::cases(),
        qrcode::cases(),
        tags::cases(),
        template::cases(),
        user::cases(),
    ]
    .into_iter()
    .flatten()
    .collect();
    check(&weixin_mp::api::endpoints(), cases).await;
}
