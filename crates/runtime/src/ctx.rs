//! The dispatch context: state overlay, block height, block author and the event log.
//!
//! Every call runs inside [`Ctx::transactional`]: a new overlay layer and an event-log
//! checkpoint are opened, and both are dropped if the call returns an error, so a failed call
//! changes nothing and reports nothing.

use agora_primitives::AccountId;

use crate::error::{DispatchResult, Error};
use crate::event::Event;
use crate::state::Overlay;
use crate::types::Origin;

/// Everything a call may read or change.
pub struct Ctx<'a> {
    /// The state.
    pub st: Overlay<'a>,
    /// Height of the block being applied.
    pub block: u64,
    /// The block's author (receives fees), if any.
    pub author: Option<AccountId>,
    events: Vec<Event>,
}

impl<'a> Ctx<'a> {
    /// A context for applying block `block` on `st`.
    pub fn new(st: Overlay<'a>, block: u64, author: Option<AccountId>) -> Self {
        Self {
            st,
            block,
            author,
            events: Vec::new(),
        }
    }

    /// Records an event.
    pub fn deposit(&mut self, event: impl Into<Event>) {
        self.events.push(event.into());
    }

    /// Events recorded so far.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Removes and returns the events recorded so far.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Runs `f` so that an error undoes all its writes and events.
    pub fn transactional<R>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<R, Error>,
    ) -> Result<R, Error> {
        self.st.begin();
        let mark = self.events.len();
        let out = f(self);
        if out.is_ok() {
            self.st.commit();
        } else {
            self.st.rollback();
            self.events.truncate(mark);
        }
        out
    }

    /// Consumes the context, returning the overlay and the events.
    pub fn finish(self) -> (Overlay<'a>, Vec<Event>) {
        (self.st, self.events)
    }
}

/// The signer of a signed origin, else `BadOrigin`.
pub fn ensure_signed(origin: Origin) -> Result<AccountId, Error> {
    match origin {
        Origin::Signed(who) => Ok(who),
        Origin::Root => Err(Error::BadOrigin),
    }
}

/// `Ok` for the root origin, else `BadOrigin`.
pub fn ensure_root(origin: Origin) -> DispatchResult {
    match origin {
        Origin::Root => Ok(()),
        Origin::Signed(_) => Err(Error::BadOrigin),
    }
}

/// Fails with `err` unless `cond` holds.
pub fn ensure(cond: bool, err: Error) -> DispatchResult {
    if cond { Ok(()) } else { Err(err) }
}
