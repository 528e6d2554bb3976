//! Binding, serving until shutdown, and draining.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use linkdex_query::Backend;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::app::{router, App};
use crate::auth::Authenticator;
use crate::config::ServerConfig;
use crate::error::Error;
use crate::limits::Limiter;
use crate::log;
use crate::metrics::Metrics;

/// A server bound to its address, not yet accepting. Bind first to learn the port when the
/// config asks for port 0.
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    app: Arc<App>,
}

impl Server {
    /// Loads the users, checks the auth rules, and binds. Refuses to start with no users unless
    /// `no_auth`, and refuses `no_auth` on a non-loopback address.
    pub async fn bind(config: ServerConfig, backend: Arc<dyn Backend>) -> Result<Server, Error> {
        if config.no_auth && !config.listen.ip().is_loopback() {
            return Err(Error::NoAuthNotLoopback(config.listen));
        }
        let auth = Authenticator::new(&config.users, config.no_auth)?;
        if auth.has_no_users() && !config.no_auth {
            return Err(Error::NoUsers);
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| Error::io(format!("binding {}", config.listen), e))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| Error::io("reading the bound address", e))?;
        let app = App {
            backend,
            auth: Arc::new(auth),
            limiter: Arc::new(Limiter::new(
                config.limits.requests_per_minute,
                config.limits.max_in_flight,
            )),
            metrics: Metrics::default(),
            limits: config.limits,
            pricing: config.pricing,
        };
        Ok(Server {
            listener,
            local_addr,
            app: Arc::new(app),
        })
    }

    /// The address actually bound (the real port when the config said 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` completes, then stops accepting and waits for the requests in
    /// flight to be answered.
    pub async fn run<F>(self, shutdown: F) -> Result<(), Error>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        log::lifecycle("listening", &self.local_addr.to_string());
        let read_timeout = self.app.limits.read_timeout;
        let service = TowerToHyperService::new(router(self.app));
        // Sent once, on shutdown: every connection finishes its request in flight and closes.
        let (drain, draining) = watch::channel(false);
        let mut connections = JoinSet::new();
        let mut shutdown = pin!(shutdown);
        loop {
            let stream = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors, or a connection reset before it was
                        // accepted: the listener itself is fine. Wait a little, not a busy loop.
                        log::lifecycle("accept failed", &e.to_string());
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let service = service.clone();
            let mut draining = draining.clone();
            connections.spawn(async move {
                let mut http = http1::Builder::new();
                http.timer(TokioTimer::new())
                    .header_read_timeout(read_timeout);
                let conn = http.serve_connection(TokioIo::new(stream), service);
                let mut conn = pin!(conn);
                tokio::select! {
                    _ = conn.as_mut() => return,
                    _ = draining.changed() => conn.as_mut().graceful_shutdown(),
                }
                let _ = conn.await;
            });
            while connections.try_join_next().is_some() {}
        }
        drop(self.listener);
        log::lifecycle(
            "draining",
            "shutdown requested; finishing requests in flight",
        );
        let _ = drain.send(true);
        while connections.join_next().await.is_some() {}
        log::lifecycle("stopped", "all requests answered");
        Ok(())
    }
}

/// [`Server::bind`] then [`Server::run`].
pub async fn serve<F>(
    config: ServerConfig,
    backend: Arc<dyn Backend>,
    shutdown: F,
) -> Result<(), Error>
where
    F: Future<Output = ()> + Send + 'static,
{
    Server::bind(config, backend).await?.run(shutdown).await
}

/// For a synchronous caller (the CLI): builds a multi-threaded runtime, binds, tells
/// `on_listening` the bound address, and serves until SIGINT/SIGTERM, draining on the way out.
pub fn serve_until_signal(
    config: ServerConfig,
    backend: Arc<dyn Backend>,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting the async runtime", e))?;
    runtime.block_on(async {
        let server = Server::bind(config, backend).await?;
        on_listening(server.local_addr());
        server.run(shutdown_signal()).await
    })
}

/// Completes on SIGINT or SIGTERM (Ctrl-C elsewhere): the usual `shutdown` for [`serve`].
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
