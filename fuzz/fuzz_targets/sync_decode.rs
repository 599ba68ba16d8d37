//! Sync message decoder: any bytes a phone or a proxy could send as a push/pull body.
//! Decoding never panics; whatever decodes re-encodes to text that decodes to the same value;
//! the pure merge/sequence functions accept whatever decoded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanfang_domain::sync::{
    apply_field_edits, sequence_decisions, FieldVersions, MutationBody, PullResponse, PushRequest,
    PushResponse,
};

fn round_trip<T>(data: &[u8]) -> Option<T>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let value: T = serde_json::from_slice(data).ok()?;
    let text = serde_json::to_string(&value).expect("a decoded message encodes");
    let again: T = serde_json::from_str(&text).expect("an encoded message decodes");
    // Floats may be normalised once; after that the text is stable.
    let text_again = serde_json::to_string(&again).unwrap();
    assert_eq!(text, text_again, "encode(decode(encode(x))) differs");
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    if let Some(push) = round_trip::<PushRequest>(data) {
        let seqs: Vec<u64> = push.mutations.iter().map(|m| m.seq).collect();
        let last = seqs.first().copied().unwrap_or(0).saturating_sub(1);
        let decisions = sequence_decisions(last, &seqs);
        assert_eq!(decisions.len(), seqs.len());
        let mut versions = FieldVersions::new();
        let mut values = serde_json::Map::new();
        for mutation in &push.mutations {
            if let MutationBody::ElderEdit(edit) = &mutation.body {
                let outcome = apply_field_edits(&versions, &values, edit);
                for (field, value) in outcome.applied {
                    values.insert(field, value);
                }
                versions = outcome.versions;
            }
        }
    }
    let _ = round_trip::<PullResponse>(data);
    let _ = round_trip::<PushResponse>(data);
});
