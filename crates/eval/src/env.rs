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
    slots: Box<[OnceCell<Value>]>,
    parent: Option<Rc<Env>>,
}

impl Env {
    pub fn root() -> Rc<Env> {
        Rc::new(Env {
            slots: Box::new([]),
            parent: None,
        })
    }

    pub fn new(size: usize, parent: &Rc<Env>) -> Rc<Env> {
        let slots = (0..size).map(|_| OnceCell::new()).collect();
        Rc::new(Env {
            slots,
            parent: Some(parent.clone()),
        })
    }

    pub fn with_values(values: Vec<Value>, parent: &Rc<Env>) -> Rc<Env> {
        let slots = values.into_iter().map(OnceCell::from).collect();
        Rc::new(Env {
            slots,
            parent: Some(parent.clone()),
        })
    }

    /// Fills a slot; each slot is set once, right after its frame is created.
    pub fn set(&self, index: usize, value: Value) {
        let _ = self.slots[index].set(value);
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
        self.slots[index as usize].get()
    }

    pub fn get(&self, index: u32) -> &Value {
        self.slots[index as usize]
            .get()
            .expect("a slot is always filled before code that reads it runs")
    }
}
