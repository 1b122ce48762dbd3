//! A canvas to draw a digit on with the mouse or a pen. Each change is made into an MNIST
//! sample by [`crate::data::digits`] (20×20 box, centred by its centre of mass in 28×28, grey
//! edges) and handed to the worker, which shows its probabilities and feature maps.

use std::sync::Arc;

use eframe::egui::{self, Color32, Sense, Stroke};

use crate::data::digits::{MNIST_SIDE, mnist_style, rasterize};

/// Side of the fine canvas the strokes are rasterised on before the MNIST preprocessing.
const RASTER_SIDE: usize = 112;

/// Pen radius as a share of the canvas side: strokes about as thick, relative to the digit,
/// as MNIST's.
const PEN_RADIUS: f32 = 0.045;

/// The strokes drawn so far.
#[derive(Default)]
pub struct DigitCanvas {
    strokes: Vec<Vec<[f32; 2]>>,
    drawing: bool,
}

impl DigitCanvas {
    /// True when nothing is drawn.
    pub fn is_empty(&self) -> bool {
        self.strokes.is_empty()
    }

    /// Removes every stroke.
    pub fn clear(&mut self) {
        self.strokes.clear();
        self.drawing = false;
    }

    /// The drawing as an MNIST sample: 784 row-major values in [0, 1]; `None` when empty.
    pub fn sample(&self) -> Option<Arc<Vec<f32>>> {
        if self.strokes.is_empty() {
            return None;
        }
        let canvas = rasterize(&self.strokes, RASTER_SIDE, PEN_RADIUS * RASTER_SIDE as f32);
        Some(Arc::new(mnist_style(&canvas, RASTER_SIDE)))
    }

    /// Draws the canvas, `side` points square, and takes the pointer's strokes. Returns true
    /// when the drawing changed this frame.
    pub fn ui(&mut self, ui: &mut egui::Ui, side: f32) -> bool {
        let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), Sense::drag());
        let response = response.on_hover_text(
            "Draw a digit with the mouse or a pen; it is scaled and centred the way MNIST's \
             digits were, and the network's answer updates as you draw",
        );
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "digit canvas"));
        let mut changed = false;
        if let Some(pos) = response.interact_pointer_pos()
            && (response.drag_started()
                || response.dragged()
                || response.is_pointer_button_down_on())
        {
            let point = [
                ((pos.x - rect.left()) / rect.width()).clamp(0.0, 1.0),
                ((pos.y - rect.top()) / rect.height()).clamp(0.0, 1.0),
            ];
            if !self.drawing {
                self.strokes.push(Vec::new());
                self.drawing = true;
            }
            if let Some(stroke) = self.strokes.last_mut()
                && stroke.last() != Some(&point)
            {
                stroke.push(point);
                changed = true;
            }
        }
        if self.drawing && !response.is_pointer_button_down_on() && !response.dragged() {
            self.drawing = false;
        }
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 4.0, Color32::BLACK);
        painter.rect_stroke(
            rect,
            4.0,
            Stroke::new(1.5, Color32::from_gray(150)),
            egui::StrokeKind::Inside,
        );
        let width = PEN_RADIUS * 2.0 * side;
        let to_screen =
            |p: [f32; 2]| rect.min + egui::vec2(p[0] * rect.width(), p[1] * rect.height());
        for stroke in &self.strokes {
            match stroke.as_slice() {
                [one] => {
                    painter.circle_filled(to_screen(*one), width / 2.0, Color32::WHITE);
                }
                points => {
                    let line: Vec<egui::Pos2> = points.iter().map(|&p| to_screen(p)).collect();
                    painter.add(egui::Shape::line(line, Stroke::new(width, Color32::WHITE)));
                }
            }
        }
        if self.strokes.is_empty() {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "draw a digit here",
                egui::FontId::proportional(14.0),
                Color32::GRAY,
            );
        }
        changed
    }
}

/// Side of the sample the canvas makes, for the panels that check the data's image size.
pub const SAMPLE_SHAPE: [usize; 3] = [1, MNIST_SIDE, MNIST_SIDE];
