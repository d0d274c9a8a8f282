"""The planning grid: table model, sort/filter order, editors, clipboard and the view."""
