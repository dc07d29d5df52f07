mod list_request_logs;

pub use list_request_logs::*;
