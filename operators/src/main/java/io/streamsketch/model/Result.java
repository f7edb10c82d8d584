package io.streamsketch.model;

/**
 * An output record that is a result: the records with one key are its versions (firings, revisions), the one with
 * the highest {@link #version} stands, and a sink may upsert it by key. Other output records (events, dead letters)
 * stand alone, and a sink appends them.
 */
public interface Result extends OutputRecord {}
