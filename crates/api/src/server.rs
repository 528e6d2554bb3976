//! Binding, serving until shutdown, and draining.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use linkdex_query::Backend;
use tokio::net::TcpListener;

use crate::app::{router, App};
use crate::auth::Authenticator;
use crate::config::ServerConfig;
use crate::error::Error;
use crate::limits::Limiter;
use crate::metrics::Metrics;
use crate::{log, users};

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
        let users = users::load(&config.users)?;
        if config.no_auth && !config.listen.ip().is_loopback() {
            return Err(Error::NoAuthNotLoopback(config.listen));
        }
        if users.is_empty() && !config.no_auth {
            return Err(Error::NoUsers);
        }
        let auth = Authenticator::new(users, config.no_auth)?;
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
        let service = router(self.app).into_make_service();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                shutdown.await;
                log::lifecycle(
                    "draining",
                    "shutdown requested; finishing requests in flight",
                );
            })
            .await
            .map_err(|e| Error::io("serving", e))?;
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
