"""The partnership's annual report and the public dashboards of its calls to action."""
