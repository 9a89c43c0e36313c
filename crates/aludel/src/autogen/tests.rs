//! Differ tests.
