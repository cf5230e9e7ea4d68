"""The home screen: the manager's figures and charts, a technician's own bench, and the
stock that needs someone."""

from desktop.views.dashboard.page import DashboardPage

__all__ = ["DashboardPage"]
