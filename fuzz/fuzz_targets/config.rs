//! The config loader and validator: any TOML gives a config or errors with line and column;
//! a config that loads builds the model, the snapshot plans and a first render-ready state
//! without a panic (durations and numbers are range-checked at validation).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match opsdeck::config::parse_str(text, "fuzz.toml") {
        Err(errors) => {
            for e in errors {
                assert!(e.line >= 1 && e.column >= 1, "{e:?}");
            }
        }
        Ok(config) => {
            let _ = opsdeck::snapshot::plans(&config);
            let mut m = opsdeck::model::Model::new(config, opsdeck::model::ModelOptions::default());
            let now = chrono::Utc::now();
            let _ = opsdeck::model::update(&mut m, opsdeck::model::Msg::Tick(now));
            let _ = opsdeck::model::update(&mut m, opsdeck::model::Msg::Tick(now + chrono::Duration::days(400)));
        }
    }
});
