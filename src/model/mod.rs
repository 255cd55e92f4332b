//! See DESIGN.md section 7.
