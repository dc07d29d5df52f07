//! Which page of a list to read: a page number from 1 and a page size, both bounded, so
//! a number too large for the database (or for multiplying) is a clear 400, not a fault.

use crate::error::{DomainError, DomainResult};

/// A page of a list, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    number: u64,
    size: u64,
}

impl Page {
    /// The highest page number accepted (with the largest page size, 200 million rows).
    pub const MAX_NUMBER: u64 = 1_000_000;
    /// The largest page.
    pub const MAX_SIZE: u64 = 200;
    /// The size when a request names none.
    pub const DEFAULT_SIZE: u64 = 50;

    /// Page `number` (from 1; the first when left out) of `size` rows (50 when left out).
    ///
    /// # Errors
    /// `Validation` on `page` or `perPage` outside their bounds.
    pub fn new(number: Option<u64>, size: Option<u64>) -> DomainResult<Self> {
        let number = number.unwrap_or(1);
        let size = size.unwrap_or(Self::DEFAULT_SIZE);
        if !(1..=Self::MAX_NUMBER).contains(&number) {
            return Err(DomainError::validation(
                "page",
                format!("use a page number from 1 to {}", Self::MAX_NUMBER),
            ));
        }
        if !(1..=Self::MAX_SIZE).contains(&size) {
            return Err(DomainError::validation(
                "per_page",
                format!("use a page size from 1 to {}", Self::MAX_SIZE),
            ));
        }
        Ok(Self { number, size })
    }

    /// The first page of `size` rows (a fixed size the caller chose, within bounds).
    pub fn first(size: u64) -> Self {
        Self {
            number: 1,
            size: size.clamp(1, Self::MAX_SIZE),
        }
    }

    pub fn number(self) -> u64 {
        self.number
    }

    pub fn size(self) -> u64 {
        self.size
    }

    /// Rows to skip.
    pub fn offset(self) -> u64 {
        (self.number - 1) * self.size
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::first(Self::DEFAULT_SIZE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded_and_never_overflow() {
        assert_eq!(Page::new(None, None).unwrap().offset(), 0);
        assert_eq!(Page::new(Some(3), Some(20)).unwrap().offset(), 40);
        for (number, size) in [
            (0, 10),
            (u64::MAX, 10),
            (Page::MAX_NUMBER + 1, 1),
            (1, 0),
            (1, 201),
        ] {
            assert!(Page::new(Some(number), Some(size)).is_err(), "{number} {size}");
        }
        let last = Page::new(Some(Page::MAX_NUMBER), Some(Page::MAX_SIZE)).unwrap();
        assert_eq!(last.offset(), (Page::MAX_NUMBER - 1) * Page::MAX_SIZE);
    }
}
