//! The Jupyter wire: ZeroMQ sockets, signed messages, and the tasks that read them.
//!
//! Incoming messages are decoded here into [`Incoming`] with their content as plain JSON, so that
//! a kernel whose replies lack fields the protocol crate requires (evcxr's error replies have no
//! `ename`) is still understood. Nothing of ZeroMQ leaves this module.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use jupyter_zmq_client::{
    ClientControlConnection, ClientHeartbeatConnection, ClientIoPubConnection, ConnectionInfo, DealerRecvConnection,
    DealerSendConnection, JupyterMessage,
};
use ring::hmac;
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use zeromq::SocketRecv as _;

use crate::KernelError;

/// One decoded message from the kernel.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    pub msg_type: String,
    pub parent_msg_id: Option<String>,
    pub content: Value,
    /// Size of the content frame as received, in bytes.
    pub content_len: usize,
}

/// How many decoded messages may wait for the reader of one channel; beyond that the reading
/// task stops reading and ZeroMQ's back-pressure reaches the kernel. Kept small: one message
/// can be as large as the kernel can build.
const QUEUE: usize = 2;

/// Past the output cap, `error` contents larger than this are not decoded either.
const MAX_DISCARDED_ERROR: usize = 256 * 1024;

/// The client's side of a kernel's channels.
pub(crate) struct Channels {
    pub shell: DealerSendConnection,
    pub control: ClientControlConnection,
    pub shell_replies: mpsc::Receiver<Incoming>,
    pub iopub: mpsc::Receiver<Incoming>,
    /// Set while the current request's outputs are past their cap: the iopub reader then skips
    /// decoding the contents of output messages (only their size is kept).
    pub discard_outputs: Arc<AtomicBool>,
    /// Becomes false, and stays so, when the heartbeat stops answering.
    pub heartbeat: watch::Receiver<bool>,
    pub tasks: Vec<JoinHandle<()>>,
}

impl Channels {
    /// Connects to every channel of `info`; the heartbeat starts after `heartbeat_start`.
    pub async fn connect(info: &ConnectionInfo) -> Result<Channels, KernelError> {
        let session = uuid::Uuid::new_v4().to_string();
        let identity = jupyter_zmq_client::peer_identity_for_session(&session)
            .map_err(|err| KernelError::protocol("identité de session", err))?;
        let iopub = jupyter_zmq_client::create_client_iopub_connection(info, "", &session)
            .await
            .map_err(|err| KernelError::protocol("connexion au canal iopub", err))?;
        let shell = jupyter_zmq_client::create_client_shell_connection_with_identity(info, &session, identity)
            .await
            .map_err(|err| KernelError::protocol("connexion au canal shell", err))?;
        let control = jupyter_zmq_client::create_client_control_connection(info, &session)
            .await
            .map_err(|err| KernelError::protocol("connexion au canal control", err))?;
        let (shell, shell_recv) = shell.split();
        let (iopub_tx, iopub_rx) = mpsc::channel(QUEUE);
        let (shell_tx, shell_rx) = mpsc::channel(QUEUE);
        let (_, heartbeat) = watch::channel(true);
        let discard_outputs = Arc::new(AtomicBool::new(false));
        let tasks = vec![
            tokio::spawn(read_iopub(iopub, iopub_tx, Arc::clone(&discard_outputs))),
            tokio::spawn(read_shell(shell_recv, shell_tx)),
        ];
        Ok(Channels { discard_outputs, shell, control, shell_replies: shell_rx, iopub: iopub_rx, heartbeat, tasks })
    }

    /// Starts pinging the heartbeat channel every `interval`; a ping unanswered within `patience`
    /// marks the kernel dead.
    pub async fn start_heartbeat(
        &mut self,
        info: &ConnectionInfo,
        interval: Duration,
        patience: Duration,
    ) -> Result<(), KernelError> {
        let heartbeat = jupyter_zmq_client::create_client_heartbeat_connection(info)
            .await
            .map_err(|err| KernelError::protocol("connexion au canal heartbeat", err))?;
        let (alive_tx, alive_rx) = watch::channel(true);
        self.heartbeat = alive_rx;
        self.tasks.push(tokio::spawn(beat(heartbeat, alive_tx, interval, patience)));
        Ok(())
    }

    /// Sends a request on the shell channel; returns its message id.
    pub async fn send_shell(&mut self, message: JupyterMessage) -> Result<String, KernelError> {
        let msg_id = message.header.msg_id.clone();
        self.shell.send(message).await.map_err(|err| KernelError::protocol("envoi sur le canal shell", err))?;
        Ok(msg_id)
    }

    /// Sends a request on the control channel; its reply is not awaited.
    pub async fn send_control(&mut self, message: JupyterMessage) -> Result<(), KernelError> {
        self.control.send(message).await.map_err(|err| KernelError::protocol("envoi sur le canal control", err))
    }

    /// Stops the reading and heartbeat tasks.
    pub fn stop(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

impl Drop for Channels {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The frame separating ZeroMQ routing identities from the Jupyter message.
const DELIMITER: &[u8] = b"<IDS|MSG>";

/// The four signed frames of a multipart message (header, parent header, metadata, content),
/// or `None` when it is malformed or its HMAC-SHA256 signature is wrong. Unlike the protocol
/// crate's decoder, this one does not copy the message to check it: a message can be as large
/// as the kernel's memory allows.
fn verified_frames<B: AsRef<[u8]>>(parts: Vec<B>, key: Option<&hmac::Key>) -> Option<Vec<B>> {
    let delimiter = parts.iter().position(|part| part.as_ref() == DELIMITER)?;
    let mut rest = parts.into_iter().skip(delimiter + 1);
    let signature = rest.next()?;
    let frames: Vec<B> = rest.take(4).collect();
    if frames.len() < 4 {
        return None;
    }
    if let Some(key) = key {
        let mut context = hmac::Context::with_key(key);
        for frame in &frames {
            context.update(frame.as_ref());
        }
        let expected = decode_hex(signature.as_ref())?;
        let tag = context.sign();
        let actual = tag.as_ref();
        // Compared in constant time, as a signature should be.
        let differences = actual.iter().zip(&expected).fold(0_u8, |acc, (a, b)| acc | (a ^ b));
        if actual.len() != expected.len() || differences != 0 {
            return None;
        }
    }
    Some(frames)
}

fn decode_hex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |byte: u8| (byte as char).to_digit(16).map(|value| value as u8);
    text.chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

/// Decodes a message whose signature was checked; with `discard`, the content of output messages
/// is left undecoded (`null`).
fn decode<B: AsRef<[u8]>>(frames: &[B], discard: bool) -> Option<Incoming> {
    let [header, parent, _metadata, content] = frames else { return None };
    let header: Value = serde_json::from_slice(header.as_ref()).ok()?;
    let msg_type = header.get("msg_type")?.as_str()?.to_owned();
    let parent: Value = serde_json::from_slice(parent.as_ref()).unwrap_or(Value::Null);
    let content_len = content.as_ref().len();
    let skip = discard && msg_type != "status" && (msg_type != "error" || content_len > MAX_DISCARDED_ERROR);
    let content = if skip { Value::Null } else { serde_json::from_slice(content.as_ref()).ok()? };
    Some(Incoming {
        msg_type,
        parent_msg_id: parent.get("msg_id").and_then(Value::as_str).map(str::to_owned),
        content,
        content_len,
    })
}

async fn read_iopub(mut connection: ClientIoPubConnection, queue: mpsc::Sender<Incoming>, discard: Arc<AtomicBool>) {
    loop {
        let received = connection.socket.recv().await;
        let Ok(multipart) = received else {
            // A lost peer: the socket reconnects by itself; avoid spinning meanwhile.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let discard = discard.load(Ordering::Relaxed);
        let frames = verified_frames(multipart.into_vec(), connection.mac.as_ref());
        let Some(message) = frames.and_then(|frames| decode(&frames, discard)) else {
            continue;
        };
        if queue.send(message).await.is_err() {
            return;
        }
    }
}

async fn read_shell(mut connection: DealerRecvConnection, queue: mpsc::Sender<Incoming>) {
    loop {
        let received = connection.socket.recv().await;
        let Ok(multipart) = received else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let frames = verified_frames(multipart.into_vec(), connection.mac.as_ref());
        let Some(message) = frames.and_then(|frames| decode(&frames, false)) else {
            continue;
        };
        if queue.send(message).await.is_err() {
            return;
        }
    }
}

async fn beat(
    mut connection: ClientHeartbeatConnection,
    alive: watch::Sender<bool>,
    interval: Duration,
    patience: Duration,
) {
    loop {
        tokio::time::sleep(interval).await;
        match tokio::time::timeout(patience, connection.single_heartbeat()).await {
            Ok(Ok(())) => {}
            _ => {
                let _ = alive.send(false);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(key: &hmac::Key, frames: [&str; 4]) -> Vec<Vec<u8>> {
        let mut context = hmac::Context::with_key(key);
        frames.iter().for_each(|frame| context.update(frame.as_bytes()));
        let signature: String = context.sign().as_ref().iter().map(|byte| format!("{byte:02x}")).collect();
        let mut parts = vec![b"identity".to_vec(), DELIMITER.to_vec(), signature.into_bytes()];
        parts.extend(frames.iter().map(|frame| frame.as_bytes().to_vec()));
        parts
    }

    #[test]
    fn only_correctly_signed_messages_pass() {
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"secret");
        let frames = [r#"{"msg_type": "status"}"#, r#"{"msg_id": "a"}"#, "{}", r#"{"execution_state": "idle"}"#];
        let parts = signed(&key, frames);
        let message =
            verified_frames(parts.clone(), Some(&key)).and_then(|frames| decode(&frames, true)).expect("valide");
        assert_eq!(message.msg_type, "status");
        assert_eq!(message.parent_msg_id.as_deref(), Some("a"));
        assert_eq!(message.content["execution_state"], "idle");

        let mut tampered = parts.clone();
        tampered[6] = br#"{"execution_state": "busy"}"#.to_vec();
        assert!(verified_frames(tampered, Some(&key)).is_none());
        let other_key = hmac::Key::new(hmac::HMAC_SHA256, b"other");
        assert!(verified_frames(parts.clone(), Some(&other_key)).is_none());
        assert!(verified_frames(parts[..5].to_vec(), Some(&key)).is_none());
        assert!(verified_frames(vec![b"no delimiter".to_vec()], None).is_none());
    }

    #[test]
    fn discarded_outputs_keep_only_their_size() {
        let frames = [r#"{"msg_type": "stream"}"#, "{}", "{}", r#"{"name": "stdout", "text": "xxxx"}"#];
        let message = decode(&frames, true).expect("valide");
        assert_eq!(message.content, Value::Null);
        assert_eq!(message.content_len, frames[3].len());
        assert_eq!(message.parent_msg_id, None);
    }
}
