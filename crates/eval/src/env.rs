//! Environment frames: the run-time counterpart of lowering's scopes.
//!
//! Each `let`, `rec` set, lambda call and `with` creates one frame with a fixed number of slots;
//! a variable is found by walking `depth` parents up and reading slot `index`. Slots are
//! write-once (`OnceCell`): recursive bindings are filled right after the frame exists, with
//! thunks that point back at it.

use std::cell::OnceCell;
use std::rc::Rc;

use crate::value::Value;

pub struct Env {
    slots: Slots,
    parent: Option<Rc<Env>>,
}

/// Most frames (every call of a one-argument lambda, every `with`) have one slot: it is kept
/// inline so that such a frame is a single allocation.
enum Slots {
    One(OnceCell<Value>),
    Many(Box<[OnceCell<Value>]>),
}

impl Env {
    pub fn root() -> Rc<Env> {
        Rc::new(Env {
            slots: Slots::Many(Box::new([])),
            parent: None,
        })
    }

    pub fn new(size: usize, parent: &Rc<Env>) -> Rc<Env> {
        let slots = if size == 1 {
            Slots::One(OnceCell::new())
        } else {
            Slots::Many((0..size).map(|_| OnceCell::new()).collect())
        };
        Rc::new(Env {
            slots,
            parent: Some(parent.clone()),
        })
    }

    /// A frame with one slot, already filled.
    pub fn single(value: Value, parent: &Rc<Env>) -> Rc<Env> {
        Rc::new(Env {
            slots: Slots::One(OnceCell::from(value)),
            parent: Some(parent.clone()),
        })
    }

    pub fn with_values(values: Vec<Value>, parent: &Rc<Env>) -> Rc<Env> {
        let slots = Slots::Many(values.into_iter().map(OnceCell::from).collect());
        Rc::new(Env {
            slots,
            parent: Some(parent.clone()),
        })
    }

    fn slot(&self, index: usize) -> &OnceCell<Value> {
        match &self.slots {
            Slots::One(cell) => cell,
            Slots::Many(cells) => &cells[index],
        }
    }

    /// Fills a slot; each slot is set once, right after its frame is created.
    pub fn set(&self, index: usize, value: Value) {
        let _ = self.slot(index).set(value);
    }

    pub fn ancestor(self: &Rc<Env>, depth: u32) -> &Rc<Env> {
        let mut env = self;
        for _ in 0..depth {
            // Lowering guarantees that `depth` never exceeds the frames it counted.
            env = env
                .parent
                .as_ref()
                .expect("lowering resolved a variable past the root frame");
        }
        env
    }

    /// The slot's value, or `None` while a recursive frame is still being filled.
    pub fn try_get(&self, index: u32) -> Option<&Value> {
        self.slot(index as usize).get()
    }

    pub fn get(&self, index: u32) -> &Value {
        self.slot(index as usize)
            .get()
            .expect("a slot is always filled before code that reads it runs")
    }
}
