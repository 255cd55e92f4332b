//! Names of inputs and phases, for notices.
use super::{Input, Phase};

pub(super) fn input_name(i: &Input) -> &'static str {
    match i {
        Input::Justification(_) => "justification",
        Input::RunStep => "run",
        Input::Skip(_) => "skip",
        Input::Confirm(_) => "confirm",
        Input::Value(_) => "value",
        Input::CancelValue => "cancel",
        Input::Abort(_) => "abort",
        Input::Retry => "retry",
        Input::SkipFailed(_) => "skip",
        Input::Rollback => "rollback",
        Input::Interrupt => "interrupt",
        Input::Journaled(_) => "journal ack",
        Input::CommandExited(_) => "command exit",
        Input::VerifyDone(_) => "verify result",
    }
}

pub(super) fn phase_name(p: &Phase) -> &'static str {
    match p {
        Phase::NeedJustification { .. } => "waiting for a justification",
        Phase::Ready { .. } => "waiting for run/skip/abort",
        Phase::Confirm { .. } => "waiting for a confirmation",
        Phase::NeedValue { .. } => "waiting for a value",
        Phase::Running { .. } => "a command is running",
        Phase::Verifying { .. } => "verifying",
        Phase::Failed { .. } => "a step failed",
        Phase::Done(_) => "the run is over",
    }
}
