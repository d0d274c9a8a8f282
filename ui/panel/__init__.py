"""The selected-trade panel: price ladder and scenario table of the current row."""
