mod personal_first;

pub use personal_first::*;
