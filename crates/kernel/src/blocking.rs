//! A blocking front to [`Kernel`], for callers without an async runtime.

use serde_json::Value;

use crate::{ExecuteLimits, ExecuteOutcome, Kernel, KernelConfig, KernelError, KernelSpec};

/// A [`Kernel`] with its own single-threaded tokio runtime; each method blocks until done.
///
/// Do not use it from async code (it would block the caller's runtime). The kernel's channels are
/// only read while a method runs, which is enough: a cell's outputs are gathered during its call.
pub struct BlockingKernel {
    runtime: tokio::runtime::Runtime,
    kernel: Option<Kernel>,
}

impl BlockingKernel {
    /// Starts `spec` in a new sandbox; see [`Kernel::start`].
    pub fn start(spec: &KernelSpec, config: &KernelConfig) -> Result<BlockingKernel, KernelError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| KernelError::io("création du moteur d'exécution tokio", err))?;
        let kernel = runtime.block_on(Kernel::start(spec, config))?;
        Ok(BlockingKernel { runtime, kernel: Some(kernel) })
    }

    /// The running kernel, for its accessors ([`Kernel::info`], [`Kernel::limits`], …).
    pub fn kernel(&self) -> &Kernel {
        self.kernel.as_ref().expect("the kernel is only taken by shutdown or drop")
    }

    /// See [`Kernel::is_alive`].
    pub fn is_alive(&self) -> bool {
        self.kernel().is_alive()
    }

    /// See [`Kernel::execute`].
    pub fn execute(&mut self, code: &str) -> Result<ExecuteOutcome, KernelError> {
        let (runtime, kernel) = self.parts();
        runtime.block_on(kernel.execute(code))
    }

    /// See [`Kernel::execute_with`].
    pub fn execute_with(&mut self, code: &str, limits: &ExecuteLimits) -> Result<ExecuteOutcome, KernelError> {
        let (runtime, kernel) = self.parts();
        runtime.block_on(kernel.execute_with(code, limits))
    }

    /// See [`Kernel::evaluate`].
    pub fn evaluate(&mut self, expression: &str) -> Result<Value, KernelError> {
        let (runtime, kernel) = self.parts();
        runtime.block_on(kernel.evaluate(expression))
    }

    /// See [`Kernel::evaluate_text`].
    pub fn evaluate_text(&mut self, expression: &str) -> Result<String, KernelError> {
        let (runtime, kernel) = self.parts();
        runtime.block_on(kernel.evaluate_text(expression))
    }

    /// See [`Kernel::evaluate_json`].
    pub fn evaluate_json(&mut self, expression: &str) -> Result<Value, KernelError> {
        let (runtime, kernel) = self.parts();
        runtime.block_on(kernel.evaluate_json(expression))
    }

    /// See [`Kernel::shutdown`].
    pub fn shutdown(mut self) {
        if let Some(kernel) = self.kernel.take() {
            self.runtime.block_on(kernel.shutdown());
        }
    }

    fn parts(&mut self) -> (&tokio::runtime::Runtime, &mut Kernel) {
        let kernel = self.kernel.as_mut().expect("the kernel is only taken by shutdown or drop");
        (&self.runtime, kernel)
    }
}

impl Drop for BlockingKernel {
    fn drop(&mut self) {
        if let Some(kernel) = self.kernel.take() {
            self.runtime.block_on(kernel.kill());
        }
    }
}
