//! The HTTP client of the default credential chain: aws-smithy's own client, with every response
//! body read to the end inside the connector and refused past [`MAX_CREDENTIALS_RESPONSE_LEN`].
//!
//! aws-config reads a credential endpoint's whole answer and then parses it synchronously, with
//! no await point the chain timeout could cut: a 16 MiB body kept a fetch busy for 10-12 s past
//! a 2 s timeout (docs/reliability.md). Read here, chunk by chunk, the body is bounded in size
//! and its read in time (the chain timeout ends it at any chunk).

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use http_body_util::BodyExt;

/// The largest response body accepted from a credential endpoint (IMDS, ECS / EKS Pod Identity,
/// STS, SSO): 256 KiB, sixteen times the longest session token the core accepts
/// ([`crate::MAX_SESSION_TOKEN_LEN`]). Real answers are 1-4 KiB.
pub const MAX_CREDENTIALS_RESPONSE_LEN: usize = 256 * 1024;

/// Wraps `inner` so that every response body is read in full, at most `cap` bytes.
pub(crate) fn capped(inner: SharedHttpClient, cap: usize) -> SharedHttpClient {
    SharedHttpClient::new(CappedClient { inner, cap })
}

#[derive(Debug)]
struct CappedClient {
    inner: SharedHttpClient,
    cap: usize,
}

impl HttpClient for CappedClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(CappedConnector { inner: self.inner.http_connector(settings, components), cap: self.cap })
    }

    fn connector_metadata(&self) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct CappedConnector {
    inner: SharedHttpConnector,
    cap: usize,
}

impl HttpConnector for CappedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let response = self.inner.call(request);
        let cap = self.cap;
        HttpConnectorFuture::new(async move {
            let mut response = response.await?;
            let body = read_capped(response.take_body(), cap).await?;
            *response.body_mut() = SdkBody::from(body);
            Ok(response)
        })
    }
}

/// The whole body, or an error as soon as it is known to be longer than `cap` bytes (from its
/// `Content-Length`, else while reading).
async fn read_capped(mut body: SdkBody, cap: usize) -> Result<Vec<u8>, ConnectorError> {
    let too_long = || {
        ConnectorError::other(
            format!("the response body is longer than {cap} bytes, the limit for a credential endpoint's answer").into(),
            None,
        )
    };
    if body.content_length().is_some_and(|len| len > cap as u64) {
        return Err(too_long());
    }
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(ConnectorError::io)?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > cap {
                return Err(too_long());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A body of 64 KiB chunks without a length: `chunks` of them, or endless.
    struct Chunks(Option<usize>);

    impl http_body::Body for Chunks {
        type Data = bytes::Bytes;
        type Error = std::io::Error;
        fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
            match &mut self.0 {
                Some(0) => return Poll::Ready(None),
                Some(n) => *n -= 1,
                None => {}
            }
            Poll::Ready(Some(Ok(http_body::Frame::data(bytes::Bytes::from(vec![b'x'; 64 * 1024])))))
        }
    }

    fn read(body: SdkBody) -> Result<Vec<u8>, ConnectorError> {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(read_capped(body, MAX_CREDENTIALS_RESPONSE_LEN))
    }

    #[test]
    fn bodies_up_to_the_cap_are_read_whole() {
        assert_eq!(read(SdkBody::from("{}")).unwrap(), b"{}");
        assert_eq!(read(SdkBody::from(vec![b'a'; MAX_CREDENTIALS_RESPONSE_LEN])).unwrap().len(), MAX_CREDENTIALS_RESPONSE_LEN);
        assert_eq!(read(SdkBody::from_body_1_x(Chunks(Some(4)))).unwrap().len(), 4 * 64 * 1024);
        assert!(read(SdkBody::empty()).unwrap().is_empty());
    }

    #[test]
    fn longer_bodies_are_refused_with_their_reason() {
        for body in [
            SdkBody::from(vec![b'a'; MAX_CREDENTIALS_RESPONSE_LEN + 1]),
            SdkBody::from_body_1_x(Chunks(Some(5))),
            SdkBody::from_body_1_x(Chunks(None)),
        ] {
            let e = read(body).unwrap_err();
            let reason = std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_default();
            assert!(reason.contains("longer than 262144 bytes"), "{e}: {reason}");
        }
    }
}
