//! Bytes from disk never panic: a segment with any bytes flipped opens with an error, or opens
//! and answers queries with an error or an answer; `verify` always reports the damage.

use linkdex_query::{parse_request, Engine};
use linkdex_store::Index;
use proptest::prelude::*;
use rand::SeedableRng;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn flipped_bytes_give_errors_not_panics(seed in any::<u64>(), flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4)) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let observations = linkdex_testkit::gen_observations(&mut rng, 80);
        let dir = tempfile::tempdir().unwrap();
        let index = Index::open(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        w.write_segment(observations.clone()).unwrap();
        w.commit().unwrap();
        drop(w);
        let seg = std::fs::read_dir(dir.path()).unwrap().flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with("seg-")).unwrap().path();
        let mut bytes = std::fs::read(&seg).unwrap();
        for (at, mask) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= mask;
        }
        std::fs::write(&seg, &bytes).unwrap();

        prop_assert!(index.verify().is_err(), "verify must see the damage");
        if let Ok(engine) = Engine::open(dir.path()) {
            let state = linkdex_testkit::fold(&observations);
            for _ in 0..8 {
                let request = linkdex_testkit::gen_request(&mut rng, &state);
                let req = parse_request(request.as_object().unwrap()).unwrap();
                let _ = engine.run(&req); // an answer or an error; a panic fails the test
            }
        }
    }
}
