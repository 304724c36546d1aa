//! Media (素材管理): temporary media, article images and permanent material.

use serde_json::json;
use weixin_mp::api::MpApi;
use weixin_mp::api::media::MediaType;
use weixin_testkit::endpoints::Case;

const JPEG: &[u8] = b"\xff\xd8\xff\xe0 a jpeg";

pub(crate) fn cases() -> Vec<Case> {
    vec![
        Case::new("POST /cgi-bin/media/upload", |app| async move {
            let media = MpApi::new(app).media();
            let uploaded = media
                .upload_temp(MediaType::Image, "test.jpg", JPEG)
                .await?;
            assert_eq!(uploaded.media_type, MediaType::Image);
            assert_eq!(uploaded.media_id, "MEDIA_ID");
            assert_eq!(uploaded.created_at, 1672500000);
            Ok(())
        })
        .query("type", "image")
        .answer(json!({"errcode": 0, "errmsg": "ok", "type": "image",
                       "media_id": "MEDIA_ID", "created_at": 1672500000}))
        .errcode(40004),
        Case::new("GET /cgi-bin/media/get", |app| async move {
            let file = MpApi::new(app).media().get_temp("MEDIA_ID").await?;
            assert_eq!(&file.bytes[..], JPEG);
            assert_eq!(file.content_type.as_deref(), Some("image/jpeg"));
            Ok(())
        })
        .query("media_id", "MEDIA_ID")
        .file("image/jpeg", JPEG)
        .errcode(40007),
        Case::new("POST /cgi-bin/media/uploadimg", |app| async move {
            let media = MpApi::new(app).media();
            let url = media.upload_article_image("test.jpg", JPEG).await?;
            assert_eq!(url, "http://mmbiz.qpic.cn/XXXXX");
            Ok(())
        })
        .answer(json!({"url": "http://mmbiz.qpic.cn/XXXXX", "errcode": 0, "errmsg": "ok"}))
        .errcode(40005),
        Case::new("POST /cgi-bin/material/add_material", |app| async move {
            let media = MpApi::new(app).media();
            let added = media
                .add_material(MediaType::Image, "test.jpg", JPEG)
                .await?;
            assert_eq!(added.media_id, "MEDIA_ID");
            assert_eq!(added.url.as_deref(), Some("http://mmbiz.qpic.cn/URL"));
            Ok(())
        })
        .query("type", "image")
        .answer(json!({"media_id": "MEDIA_ID", "url": "http://mmbiz.qpic.cn/URL"})),
        Case::new("POST /cgi-bin/material/get_material", |app| async move {
            let file = MpApi::new(app).media().get_material("MEDIA_ID").await?;
            assert_eq!(&file.bytes[..], JPEG);
            Ok(())
        })
        .body(json!({"media_id": "MEDIA_ID"}))
        .file("image/jpeg", JPEG)
        .errcode(40007),
        Case::new("POST /cgi-bin/material/del_material", |app| async move {
            MpApi::new(app).media().del_material("MEDIA_ID").await
        })
        .body(json!({"media_id": "MEDIA_ID"}))
        .errcode(40007),
        Case::new(
            "GET /cgi-bin/material/get_materialcount",
            |app| async move {
                let count = MpApi::new(app).media().material_count().await?;
                assert_eq!((count.voice_count, count.video_count), (5, 3));
                assert_eq!((count.image_count, count.news_count), (10, 7));
                Ok(())
            },
        )
        .answer(json!({"voice_count": 5, "video_count": 3, "image_count": 10, "news_count": 7})),
        Case::new(
            "POST /cgi-bin/material/batchget_material",
            |app| async move {
                let media = MpApi::new(app).media();
                let page = media.list_material(MediaType::Image, 0, 20).await?;
                assert_eq!((page.total_count, page.item_count), (11, 1));
                assert_eq!(page.item[0].media_id, "MEDIA_ID");
                assert_eq!(page.item[0].update_time, 1515377425);
                Ok(())
            },
        )
        .body(json!({"type": "image", "offset": 0, "count": 20}))
        .answer(json!({"total_count": 11, "item_count": 1, "item": [
            {"media_id": "MEDIA_ID", "name": "test.jpg", "update_time": 1515377425,
             "url": "http://mmbiz.qpic.cn/URL"}
        ]})),
    ]
}
