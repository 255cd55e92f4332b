//! The integration tests, one crate (one binary to build and link).
//! Each module is one former test file; the `*_support` modules are shared helpers.

mod demo_support;

mod pty_support;

mod rbrun_support;

mod reliability_support;

mod ui_runbook_support;

mod ui_support;

mod app_in_process;
mod architecture;
mod backends;
mod check_carets;
mod classifier_corpus;
mod classifier_props;
mod config_check;
mod config_secret_files;
mod config_validate;
mod demo_canary;
mod demo_cli;
mod demo_clients;
mod demo_drill;
mod demo_render;
mod demo_server;
mod demo_sim;
mod demo_snapshot;
mod hardening_local;
mod hardening_signals;
mod hardening_wire;
mod incident_actions;
mod incident_alertmanager;
mod incident_cli;
mod incident_clock_pane;
mod incident_transitions;
mod incident_trust;
mod journal_tamper;
mod packaging;
mod reliability_disk;
mod reliability_escapes;
mod reliability_faults;
mod reliability_hostile;
mod reliability_screen;
mod reliability_secrets;
mod reliability_signals;
mod runbook_format_blocks;
mod runbook_format_lint;
mod runbook_format_parse;
mod runbook_format_shipped;
mod runbook_real;
mod runbook_run_find;
mod runbook_run_injection;
mod runbook_run_interrupt;
mod runbook_run_plain;
mod runbook_run_resume;
mod runbook_run_typeahead;
mod runbook_run_verify;
mod runbook_run_webhook;
mod runbook_secrets;
mod snapshot_real;
mod sources_exposition;
mod sources_faults;
mod sources_fixtures;
mod sources_http;
mod sources_real;
mod sources_scale;
mod ui_chart;
mod ui_e2e;
mod ui_incident_dialog;
mod ui_incident_e2e;
mod ui_incident_keys;
mod ui_incident_silence_am;
mod ui_incident_trust;
mod ui_layout;
mod ui_resize;
mod ui_runbook_e2e;
mod ui_runbook_keyboard;
mod ui_runbook_sighup;
mod ui_runbook_snapshots;
mod ui_runbook_update;
mod ui_snapshots;
mod ui_store_and_burn;
mod ui_update;
