//! Runs code in a Jupyter kernel enclosed in a sandbox, over the real Jupyter protocol.
#![doc = include_str!("../README.md")]

mod blocking;
mod cgroup;
mod error;
mod kernel;
mod literal;
mod outcome;
mod sandbox;
mod spec;
mod wire;

pub use blocking::BlockingKernel;
pub use error::KernelError;
pub use kernel::{ExecuteLimits, Kernel, KernelConfig, KernelInfo};
pub use outcome::{ExecuteOutcome, ExecuteStatus, Output};
pub use sandbox::{
    BuildFolder, Enforcement, LimitsInForce, Programs, ReadOnlyBind, SANDBOX_BUILD_TEMPLATE, SANDBOX_CACHE,
    SANDBOX_CRATES, SANDBOX_HOME, SANDBOX_RUN, SANDBOX_UID, SANDBOX_USER, SandboxConfig, Transport,
};
pub use spec::{
    CONNECTION_FILE_PLACEHOLDER, KernelSpec, find_kernelspec, list_kernelspecs, parse_kernelspec, read_kernelspec,
    search_path, search_path_from,
};
