//! `server`: runs Avis & Réclamations, or one of its administration commands.

use app::store::Role;
use clap::{Parser, Subcommand, ValueEnum};
use server::config::Config;
use std::io::Read;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "server", about = "Avis & Réclamations — Préfecture de l'Essonne")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Qualite,
    Agent,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the application on LEPTOS_SITE_ADDR (the default command).
    Serve,
    /// Create a staff account. The password is read from standard input (one line), never from
    /// the command line.
    CreateUser {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Name shown in the interface (default: the e-mail).
        #[arg(long, default_value = "")]
        name: String,
        /// Role.
        #[arg(long, value_enum, default_value = "agent")]
        role: RoleArg,
        /// A site an agent works for (slug: evry, palaiseau, etampes); repeat for several.
        /// Required for an agent, who sees only these sites' complaints.
        #[arg(long = "site")]
        sites: Vec<String>,
    },
    /// Fill an empty database with a demonstration campaign (380 responses over the three sites)
    /// and 24 demonstration complaints and suggestions.
    SeedDemo {
        /// Random seed (same seed, same data).
        #[arg(long, default_value_t = 2021)]
        seed: u64,
    },
    /// Copy the SQLite database of DATABASE_URL into a new, empty PostgreSQL database (every
    /// table, ids kept, in one transaction); then set DATABASE_URL to the PostgreSQL one. Stop
    /// the server first. Sessions are not copied: staff log in again.
    CopyToPostgres {
        /// The PostgreSQL database, e.g. postgres://avis@db.example:5432/avis
        #[arg(long)]
        to: String,
    },
    /// Fill an empty database with generated responses for benchmarks: one campaign per full
    /// calendar year before the current one, the responses spread over the three sites and the
    /// weekdays of those years (see `make bench-dashboard`).
    Generate {
        /// Number of responses.
        #[arg(long)]
        responses: u64,
        /// Number of full calendar years before the current one.
        #[arg(long)]
        years: u32,
        /// Random seed (same seed, same data).
        #[arg(long, default_value_t = 2024)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into())).init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(Cli::parse())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let addr = config.leptos_options.site_addr;
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            server::serve(config, listener).await.map_err(|e| e.to_string())
        }
        Command::CreateUser { email, name, role, sites } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).map_err(|e| e.to_string())?;
            let password = password.lines().next().unwrap_or("").to_string();
            let (state, _) = server::prepare(&config).await.map_err(|e| e.to_string())?;
            let role = match role {
                RoleArg::Admin => Role::Admin,
                RoleArg::Qualite => Role::Qualite,
                RoleArg::Agent => Role::Agent,
            };
            let id = server::seed::create_staff(&state.store, &email, &name, &password, role, &sites).await.map_err(|e| e.to_string())?;
            println!("compte créé (id {id}) : {email} ({}{})", role.as_str(), if sites.is_empty() { String::new() } else { format!(", sites : {}", sites.join(", ")) });
            Ok(())
        }
        Command::SeedDemo { seed } => {
            let (state, _) = server::prepare(&config).await.map_err(|e| e.to_string())?;
            let n = server::demo::seed_demo(&state.store, app::time::paris_day(chrono::Utc::now()), seed).await.map_err(|e| e.to_string())?;
            let today = app::time::paris_day(chrono::Utc::now());
            let c = server::demo::seed_demo_complaints(&state.store, today, config.reply_days, seed).await.map_err(|e| e.to_string())?;
            println!("{n} réponses et {c} réclamations ou suggestions de démonstration créées.");
            Ok(())
        }
        Command::CopyToPostgres { to } => {
            let report = server::transfer::copy_to_postgres(&config.database_url, &to).await.map_err(|e| e.to_string())?;
            for (table, rows) in &report {
                println!("{table:<24} {rows:>10}");
            }
            let total: i64 = report.iter().map(|(_, n)| n).sum();
            println!("{total} lignes copiées vers {}.", server::database::redact(&to));
            Ok(())
        }
        Command::Generate { responses, years, seed } => {
            let (state, _) = server::prepare(&config).await.map_err(|e| e.to_string())?;
            let today = app::time::paris_day(chrono::Utc::now());
            let g = server::generate::generate(&state.store, today, responses, years, seed).await.map_err(|e| e.to_string())?;
            let secs = g.elapsed.as_secs_f64();
            let campaigns: Vec<String> = g.campaigns.iter().map(|(year, id)| format!("{year} (id {id})")).collect();
            println!(
                "{} réponses générées en {secs:.1} s ({:.0} réponses/s) ; campagnes : {}.",
                g.responses,
                g.responses as f64 / secs.max(1e-9),
                campaigns.join(", ")
            );
            Ok(())
        }
    }
}
