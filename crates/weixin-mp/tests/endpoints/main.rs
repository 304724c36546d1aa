//! Every Official Account endpoint checked against wiremock from one table: method, path,
//! query, body, the decoded answer, its error code, and whether busy is retried.

mod tags;

use weixin_testkit::endpoints::check;

#[tokio::test]
async fn every_endpoint_sends_what_the_doc_says() {
    let cases = [tags::cases()].into_iter().flatten().collect();
    check(&weixin_mp::api::endpoints(), cases).await;
}
