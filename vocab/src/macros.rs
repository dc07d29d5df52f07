//! The two shapes every word set and id follows, written once.

/// A closed set of words: the enum, its wire spelling (`as_str`, serde, `Display`, the
/// OpenAPI schema), `ALL` in the order pages list them, and `FromStr`.
///
/// The spelling is taken as a `tt`, not a `literal`: a `literal` fragment reaches derive
/// macros wrapped in an invisible group, which serde unwraps but utoipa does not, so the
/// schema would list the Rust names (`Admin`) instead of the wire's (`admin`).
macro_rules! words {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every word, in the order lists show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling on the wire and in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// The word spelled `text`, if it is one.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($wire => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::UnknownWord;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text.trim()).ok_or_else(|| $crate::UnknownWord {
                    set: stringify!($name),
                    known: Self::ALL.iter().map(|w| w.as_str()).collect(),
                })
            }
        }
    };
}

/// An id that cannot be passed where another kind of id is expected. On the wire it is
/// the bare UUID.
macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {
        $(
            $(#[$meta])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
            #[serde(transparent)]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
            pub struct $name(uuid::Uuid);

            impl $name {
                pub const fn from_uuid(id: uuid::Uuid) -> Self {
                    Self(id)
                }

                pub const fn uuid(self) -> uuid::Uuid {
                    self.0
                }
            }

            impl From<uuid::Uuid> for $name {
                fn from(id: uuid::Uuid) -> Self {
                    Self(id)
                }
            }

            impl From<$name> for uuid::Uuid {
                fn from(id: $name) -> Self {
                    id.0
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.0.fmt(f)
                }
            }

            impl std::str::FromStr for $name {
                type Err = uuid::Error;

                fn from_str(text: &str) -> Result<Self, Self::Err> {
                    uuid::Uuid::parse_str(text.trim()).map(Self)
                }
            }
        )+
    };
}
