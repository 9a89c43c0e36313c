//! autogen
