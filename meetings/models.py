"""Models arrive with this app's issue; registering the app now fixes the layering."""
