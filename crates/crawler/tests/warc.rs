//! WARC round trip: what the writer writes the reader reads back, digests included; a torn
//! last record (a crash in the middle of a write) ends the reading cleanly and is cut off.

mod common;

use std::io::Write;

use chrono::Utc;
use common::temp_dir;
use crawler::warc::{self, NewRecord, WarcReader, WarcWriter};

fn response(uri: &str, body: &str) -> NewRecord {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETag: \"1\"\r\n\r\n";
    NewRecord {
        warc_type: "response".into(),
        target_uri: Some(uri.into()),
        date: Utc::now(),
        content_type: "application/http; msgtype=response".into(),
        extra_headers: vec![("WARC-Truncated".into(), "length\r\nInjected: yes".into())],
        block: format!("{head}{body}").into_bytes(),
        payload_offset: Some(head.len()),
    }
}

#[test]
fn records_round_trip_with_headers_and_digests() {
    let dir = temp_dir("warc");
    let path = dir.join("a.warc");
    let mut writer = WarcWriter::create(&path, "test").unwrap();
    let offsets = writer.append(&[response("http://a.test/1", "un"), response("http://a.test/2", "deux")]).unwrap();
    drop(writer);
    let records: Vec<_> = WarcReader::open(&path).unwrap().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].warc_type(), "warcinfo");
    assert_eq!(records[0].header("WARC-Filename"), Some("a.warc"));
    assert_eq!([records[1].offset, records[2].offset], [offsets[0], offsets[1]]);
    let second = &records[2];
    assert_eq!(second.target_uri(), Some("http://a.test/2"));
    assert!(second.header("WARC-Record-ID").unwrap().starts_with("<urn:uuid:"));
    assert_ne!(second.header("WARC-Record-ID"), records[1].header("WARC-Record-ID"));
    assert_eq!(second.header("WARC-Payload-Digest"), Some(warc::sha256_label(b"deux").as_str()));
    assert_eq!(second.header("WARC-Block-Digest"), Some(warc::sha256_label(&second.block).as_str()));
    assert_eq!(second.header("Content-Length"), Some(second.block.len().to_string().as_str()));
    assert_eq!(second.header("WARC-Truncated"), Some("length  Injected: yes"), "no header injection");
    assert!(second.header("WARC-Date").unwrap().ends_with('Z'));
    let http = warc::parse_http_response(&second.block).unwrap();
    assert_eq!((http.status, http.header("etag"), http.body), (200, Some("\"1\""), &b"deux"[..]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_torn_last_record_is_detected_and_cut() {
    let dir = temp_dir("warc-torn");
    let path = dir.join("b.warc");
    let mut writer = WarcWriter::create(&path, "test").unwrap();
    writer.append(&[response("http://a.test/1", "un")]).unwrap();
    drop(writer);
    let good_length = std::fs::metadata(&path).unwrap().len();
    // Every cut inside the next record leaves the first two readable and the third torn.
    let full = {
        let mut writer_bytes = std::fs::read(&path).unwrap();
        let other = dir.join("c.warc");
        let mut other_writer = WarcWriter::create(&other, "test").unwrap();
        other_writer.append(&[response("http://a.test/2", "deux")]).unwrap();
        let other_bytes = std::fs::read(&other).unwrap();
        let second_start = WarcReader::open(&other).unwrap().next().unwrap().unwrap().end as usize;
        writer_bytes.extend_from_slice(&other_bytes[second_start..]);
        writer_bytes
    };
    for cut in (good_length as usize + 1..full.len()).step_by(7) {
        std::fs::write(&path, &full[..cut]).unwrap();
        let mut reader = WarcReader::open(&path).unwrap();
        let read: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
        assert_eq!(read.len(), 2, "cut at {cut}");
        assert_eq!(reader.torn_at(), Some(good_length), "cut at {cut}");
    }
    assert_eq!(warc::truncate_torn_tail(&path, 0).unwrap(), good_length);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), good_length);
    // The whole file reads without a tear.
    std::fs::write(&path, &full).unwrap();
    let mut reader = WarcReader::open(&path).unwrap();
    assert_eq!(reader.by_ref().count(), 3);
    assert_eq!(reader.torn_at(), None);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    let dir = temp_dir("warc-garbage");
    let path = dir.join("g.warc");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(b"WARC/1.1\r\nContent-Length: 99999999999999\r\n\r\nx").unwrap();
    let results: Vec<_> = WarcReader::open(&path).unwrap().collect();
    assert!(matches!(results.as_slice(), [Err(warc::WarcError::Malformed { .. })]), "{results:?}");
    std::fs::write(&path, b"<html>pas une archive</html>\n").unwrap();
    let error = WarcReader::open(&path).unwrap().next().unwrap().unwrap_err();
    assert!(error.to_string().contains("archive WARC invalide à l'octet 0"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}
