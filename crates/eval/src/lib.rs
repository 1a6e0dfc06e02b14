//! The Nix language evaluator.
