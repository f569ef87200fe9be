//! [`Kind`]: the JavaScript type of a value. The bottom of the binding: failures name it, the
//! value readers in [`crate::js`] return it.

/// The JavaScript type of a value, as `typeof` would name it (plus `null`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Undefined,
    Null,
    Boolean,
    Number,
    String,
    Symbol,
    Object,
    Function,
    External,
    BigInt,
}

impl Kind {
    /// The name used in type-error messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Undefined => "undefined",
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Symbol => "symbol",
            Kind::Object => "object",
            Kind::Function => "function",
            Kind::External => "external",
            Kind::BigInt => "bigint",
        }
    }

    /// `undefined` or `null`: an optional field that was not given.
    pub fn is_absent(self) -> bool {
        matches!(self, Kind::Undefined | Kind::Null)
    }
}
