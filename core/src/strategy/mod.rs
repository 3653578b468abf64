//! The routing strategies the socket types are composed of.
//!
//! | strategy | used by |
//! |---|---|
//! | [`LoadBalance`] — round robin over writable pipes | REQ, DEALER, PUSH |
//! | [`FairQueue`] — round robin over readable pipes | REP, DEALER, ROUTER, SUB, XSUB, PULL |
//! | [`Dist`] — fan out, dropping at each full pipe | PUB, XPUB, XSUB (subscriptions) |

mod dist;
mod fq;
mod lb;
mod rotation;

pub use dist::Dist;
pub use fq::FairQueue;
pub use lb::LoadBalance;
