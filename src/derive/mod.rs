//! Pure derivations the panes and `snapshot --json` need: health state, community deltas,
//! moderation wait and SLA breach, alert priority. No I/O; time is an argument.
