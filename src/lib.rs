//! wirelens library
