package io.streamsketch.model;

import java.util.Objects;

/** A row of the static page dimension, {@code pages.csv}: {@code pageId,category,title}. */
public class Page {
  public String pageId;
  public String category;
  public String title;

  public Page() {}

  public Page(String pageId, String category, String title) {
    this.pageId = pageId;
    this.category = category;
    this.title = title;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Page)) {
      return false;
    }
    Page that = (Page) o;
    return Objects.equals(pageId, that.pageId)
        && Objects.equals(category, that.category)
        && Objects.equals(title, that.title);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pageId, category, title);
  }

  @Override
  public String toString() {
    return pageId + "," + category + "," + title;
  }
}
