package io.streamsketch.model;

/** What a user did. */
public enum EventKind {
  VIEW,
  AD_IMPRESSION,
  AD_CLICK
}
